print("mbt")
