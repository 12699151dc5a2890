class ReportingReplicaRouter:
    """The reporting alias is a read replica: never migrate or write there."""

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"

    def db_for_write(self, model, **hints):
        return "default"
