"""The Flask ceiling: a bare app doing the generated project's work by hand.

`/health` and a page of the generated project's `items` table in the same JSON envelope, page
size 20 (up to 100 with `?page_size=`), ordered by id, through Flask-SQLAlchemy with its
defaults. No limiter, no marshmallow, no JWT. Served by gunicorn from the generated project's
directory, with its venv: `gunicorn --pythonpath bench/baselines flask_baseline:app`.
"""

import os
from datetime import UTC, datetime
from urllib.parse import urlencode

from flask import Flask, abort, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import func, select
from sqlalchemy.orm import Mapped, mapped_column

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
db = SQLAlchemy(app)


class Item(db.Model):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    description: Mapped[str]
    is_active: Mapped[bool]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


def iso(value: datetime) -> str:
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


def number(value, default):
    return int(value) if value and value.isdigit() and int(value) > 0 else default


@app.get("/health")
def health():
    return {"status": "ok"}


@app.get("/api/v1/items/")
def items():
    size = min(number(request.args.get("page_size"), 20), 100)
    page = number(request.args.get("page", "1"), None)
    count = db.session.scalar(select(func.count()).select_from(Item))
    last = max(1, -(-count // size))
    if page is None or page > last:
        abort(404)

    def link(n):
        args = request.args.copy()
        args.pop("page", None)
        if n > 1:
            args["page"] = str(n)
        query = urlencode(list(args.items(multi=True)))
        return f"{request.base_url}?{query}" if query else request.base_url

    rows = db.session.scalars(select(Item).order_by(Item.id).offset((page - 1) * size).limit(size))
    return {
        "count": count,
        "next": link(page + 1) if page < last else None,
        "previous": link(page - 1) if page > 1 else None,
        "results": [
            {
                "id": item.id,
                "name": item.name,
                "description": item.description,
                "is_active": item.is_active,
                "created_at": iso(item.created_at),
                "updated_at": iso(item.updated_at),
            }
            for item in rows
        ],
    }
