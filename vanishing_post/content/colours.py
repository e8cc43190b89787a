"""The site's colours, shared by its sections' figures: a module of its own, so that a section
that takes them is not redrawn for an edit to another section's figures."""

TAN, BLUE, RED = "#ddb377", "#4687b7", "#ce7b6d"
GREEN, GREY = "#5f9e6e", "#777777"
# One colour per activation, in every figure that compares them; the sigmoid keeps the first
# post's tan.
ACTIVATION_COLOURS = {"sigmoid": TAN, "tanh": RED, "relu": BLUE, "leaky_relu": GREEN}
