"""``python -m cairn``: the same as the ``cairn`` command."""

from cairn.entry import main

if __name__ == "__main__":
    main()
