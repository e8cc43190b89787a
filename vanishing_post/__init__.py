"""vanishing_post: the numbers and figures behind the post "RNNs and Vanishing Gradients".

Stages, each a module, data flowing one way:
maths -> frames -> figures -> embed (the Nikola plugin sits on top, outside the package).
"""
