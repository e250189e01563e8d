"""One scenario to numbers: the channel inputs, the forward evaluation (capacities, the risk
interval, cost, curves), the time allocation and the diagnosis of what limits the design.
"""
