"""Complaints (pengaduan): reports of problems that an agency must answer within a deadline, filed on the web,
at the counter, through the API or Open311 GeoReport v2, handled on the case engine (case_type complaint)."""
