"""The public side of the complaints: ``/pengaduan/`` list and map with filters, one complaint with its public
timeline and photos, and statistics per agency (``views``, ``listing``, ``mapview``, ``stats``, ``forms``)."""
