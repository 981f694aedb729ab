"""Creator payouts: a creator's available balance withdrawn to a mobile-money wallet."""
