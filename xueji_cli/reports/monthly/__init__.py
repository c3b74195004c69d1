"""The monthly change report (学籍变动情况月报, REP-1): its numbers, its document, its paper form."""
