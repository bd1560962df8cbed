NAV = [("Population", "population:index", "population.view")]
