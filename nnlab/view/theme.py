"""The colours every nnlab picture and table shares (no chart library needed to use them).

Class 0 blue, class 1 orange, further classes (and runs, layers, activations) from the
colour-blind-safe Tableau 10 scheme; positive weights orange, negative blue (a positive
weight pushes towards class 1).
"""

BLUE = "#4E79A7"  # class 0, negative weights
ORANGE = "#F28E2B"  # class 1, positive weights
# Tableau 10 (colour-blind safe), starting with the two class colours.
PALETTE = (BLUE, ORANGE, "#E15759", "#76B7B2", "#59A14F", "#EDC948", "#B07AA1", "#FF9DA7",
           "#9C755F", "#BAB0AC")
DARK = "#333333"  # contour, neuron outlines, text
GREY = "#888888"  # hover rules, threshold, explanatory subtitles
WARNING = "#B03A2E"  # subtitles about data left out (divergence, missing values)
