"""Pages of the taxes app: the public "Cek Tagihan" (public.py), the taxpayer's own pages (self.py) and the revenue
agency's office pages (staff_register.py, staff_liabilities.py)."""
