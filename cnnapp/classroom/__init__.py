"""Class mode: one CNN Lab server shared by a class, with sign-in.

This package owns what only a class server needs: who is signed in and who teaches (lecturers),
the per-student limits a lecturer sets (queued jobs, epochs, parameters, training pixels, disk
quota), and the runs a lecturer publishes to the whole class. Its files are kept under
`<data dir>/class/`. The job executor stays neutral: pages in class mode check a job against the
limits here before they submit it.
"""
