"""Application services: plain functions over a ``db.engine.Store``. No Qt here."""
