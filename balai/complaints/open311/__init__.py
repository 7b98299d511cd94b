"""Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2) over the complaints, with FixMyStreet's
``servicerequestupdates`` extension: ``urls`` (mounted at ``/open311/v2/``), ``views``, ``documents`` and
``formats`` (XML and JSON by the Spark convention), ``params`` (argument parsing), ``filing`` (POST)."""
