"""The `xinqing` command-line tool and the local stack launcher (no Docker needed)."""
