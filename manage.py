#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""
import gc
import os
import sys


def main():
    """Run administrative tasks."""
    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'clusterplan.settings')
    # Loading Django and the apps creates some 100,000 objects (that the cyclic garbage collector
    # tracks) which live as long as the process: the collector would go through them all several
    # times meanwhile, for nothing (~50 ms). Off until the apps are ready; then they are frozen out
    # of its way and it is on again (clusterplan/apps.py, ClusterplanConfig.ready).
    gc.disable()
    try:
        from django.core.management import execute_from_command_line
    except ImportError as exc:
        raise ImportError(
            "Couldn't import Django. Are you sure it's installed and "
            "available on your PYTHONPATH environment variable? Did you "
            "forget to activate a virtual environment?"
        ) from exc
    execute_from_command_line(sys.argv)


if __name__ == '__main__':
    main()
