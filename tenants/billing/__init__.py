"""The groupement's billing: the contract, the price schedule (bordereau de prix), purchase
orders (bons de commande), invoices and credit notes. Public schema only."""
