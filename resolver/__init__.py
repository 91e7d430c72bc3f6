"""Turn scraped pages into domains and the organizations behind them."""
