"""A design that is not messaging, for the end-to-end tests of item commands and output.

Customers and orders under pk/sk, a global index by order status with a
numeric sort key, reserved words as attribute names (name, status, count), a
38-digit number, sets and binary.
"""

SHOP = """\
table: shop
attributes:
  pk: S
  sk: S
  status: S
  order_no: N
key:
  partition: pk
  sort: sk
billing: PAY_PER_REQUEST
global_indexes:
  - name: by-status
    key:
      partition: status
      sort: order_no
    projection: ALL
"""

BIG = "12345678901234567890123456789012345678"  # 38 digits: more than a float keeps
ORDERS = """\
- {pk: "CUSTOMER#c1", sk: "ORDER#1", status: paid, order_no: 1, total: 120.50, count: 2,
   tags: !!set {red, blue}, receipt: !!binary aGVsbG8=}
- {pk: "CUSTOMER#c1", sk: "ORDER#2", status: paid, order_no: 2, total: 80, count: 1}
- {pk: "CUSTOMER#c1", sk: "ORDER#3", status: open, order_no: 3, total: 300, count: 5}
- {pk: "CUSTOMER#c2", sk: "ORDER#4", status: paid, order_no: 4, total: 999, count: 1}
"""
