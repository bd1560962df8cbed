SECTION = "Population"
NAV = [("Population", "population:index", "population.view")]
