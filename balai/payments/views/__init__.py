"""Pages of the payments app: the citizen's bills (/saya/tagihan/), paying a bill (/bayar/), the payment
simulator's bank screens (/simulasi-bank/) and the revenue pages of the staff (/kantor/pendapatan/)."""
