import SalesCTLCommands

SalesCTL.main()
