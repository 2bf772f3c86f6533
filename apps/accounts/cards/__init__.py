"""Login cards: what a teacher prints for a class so that pupils and parents can log in.

* ``issue``: who gets a card, and the codes and QR login tokens the cards carry;
* ``pdf``: the A4 sheets (8 cards a page, with cut lines), rendered by WeasyPrint;
* ``spreadsheet``: the same codes as a CSV file for a spreadsheet;
* ``links`` and ``qr``: the addresses printed on the cards and their QR codes.
"""
