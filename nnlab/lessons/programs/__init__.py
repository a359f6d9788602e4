"""Complete stand-alone programs that lessons show and run: plain Python, no nnlab, no NumPy.

A program here is the whole computation in one screen, so a learner can copy it out and run it
anywhere. Each has a ``main()`` that prints what the lesson puts beside nnlab's numbers.
"""
