"""Fill in deploy/nginx/portal.conf's placeholders: ``python -m deploy.nginx --help``.

The tests and the throughput benchmark render the same file with their own
ports and temporary directories, so what they run is what is deployed.
"""

import argparse
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "nginx" / "portal.conf"


def render(
    *, listen, upstream, static_root, prefix, media_root=None, access_log=None, user=None, modules=None, mime_types=None
):
    prefix = Path(prefix)
    values = {
        "LISTEN": str(listen),
        "USER": user or "www-data",
        "UPSTREAM": upstream,
        "STATIC_ROOT": str(Path(static_root)),
        "MEDIA_ROOT": str(Path(media_root) if media_root else prefix / "media"),
        "PREFIX": str(prefix),
        "ACCESS_LOG": access_log or str(prefix / "access.log"),
        "MODULES": modules or "/usr/lib/nginx/modules",
        "MIME_TYPES": mime_types or "/etc/nginx/mime.types",
    }
    text = TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace(f"@@{name}@@", value)
    return text


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--listen", default="80", help="port (or address:port) to listen on")
    parser.add_argument("--upstream", default="127.0.0.1:8000", help="where gunicorn listens")
    parser.add_argument("--static-root", required=True, help="STATIC_ROOT, after collectstatic")
    parser.add_argument("--media-root", help="MEDIA_ROOT, unless media is on object storage")
    parser.add_argument("--prefix", required=True, help="directory for the cache, pid, logs and temp files")
    parser.add_argument("--access-log", help='path, or "off"')
    parser.add_argument("--user", default="www-data", help="user nginx's workers run as")
    args = parser.parse_args()
    print(
        render(
            listen=args.listen,
            upstream=args.upstream,
            static_root=args.static_root,
            media_root=args.media_root,
            prefix=args.prefix,
            access_log=args.access_log,
            user=args.user,
        )
    )


if __name__ == "__main__":
    main()
