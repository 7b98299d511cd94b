from ninja import NinjaAPI

api = NinjaAPI(title="Balai API", version="1", urls_namespace="api")
