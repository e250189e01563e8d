"""Files the app reads and writes: where it keeps them, where it may write a file the user named,
and the limits on files it reads.
"""
