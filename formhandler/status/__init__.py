"""The applicant's private status page: where an application stands, the signed agreement back, withdrawing."""
