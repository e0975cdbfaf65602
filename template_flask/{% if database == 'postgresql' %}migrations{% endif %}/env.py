"""Alembic environment for Flask-Migrate: the app's engine and its models' metadata."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)
migrate = current_app.extensions["migrate"]


def skip_empty_autogenerate(context, revision, directives) -> None:
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logging.getLogger("alembic.env").info("No changes in schema detected.")


if context.is_offline_mode():  # `flask db upgrade --sql`: print the SQL instead of running it
    url = migrate.db.engine.url.render_as_string(hide_password=False)
    context.configure(url=url, target_metadata=migrate.db.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    options = {"process_revision_directives": skip_empty_autogenerate, **migrate.configure_args}
    with migrate.db.engine.connect() as connection:
        context.configure(connection=connection, target_metadata=migrate.db.metadata, **options)
        with context.begin_transaction():
            context.run_migrations()
