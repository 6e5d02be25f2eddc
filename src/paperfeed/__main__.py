"""``python -m paperfeed``: the same CLI as the ``paperfeed`` command."""

from paperfeed.cli import main

main()
