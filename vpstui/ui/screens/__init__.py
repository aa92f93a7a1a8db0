"""Full screens: main, help, first run."""
