"""Write actions of the espace: each one atomic, journaled on its link, emails after commit."""
