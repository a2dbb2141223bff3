"""The supervisor's arrivals dashboard: live figures, queue and headcount forecasts, the chart.

Pure decisions (queueing, headcount, the SVG) are plain functions; `tally` keeps the day's
counts in step with the op log so a render reads only what changed since the last one.
"""
