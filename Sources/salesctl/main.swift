print("salesctl")
