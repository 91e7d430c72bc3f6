"""People in the loop: the Label Studio client, the ML backend it calls, and labeling file formats."""
