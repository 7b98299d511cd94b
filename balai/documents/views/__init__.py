"""Pages of issued documents: public verification (``public``), the holder's own (``citizen``) and the
staff's download, revoke and reissue (``staff``)."""
