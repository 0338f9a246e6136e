"""gunicorn settings shared by `make run` and the container (docker/boot.sh); docs/security.md."""

# The access log names the path, never the query string or the Referer: the household list's
# ?q= carries the names a volunteer searched for, and the next page's Referer repeats them.
# %(U)s is the path alone; the default format's %(r)s (request line) and %(f)s hold both.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'
accesslog = "-"
