"""The tool catalogue: approved tools, their usage policy, and "can I use X for Y?"."""
