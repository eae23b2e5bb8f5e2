"""pycrdt's transaction names, all crdtcore's classes.

* ``Transaction``: what ``doc.transaction()`` returns (``with``/``async with``).
* ``NewTransaction``: what ``doc.new_transaction(timeout=)`` returns; it never joins an
  open transaction.
* ``ReadTransaction``: what observers get as ``event.transaction`` (or as their second
  argument): the transaction's ``origin`` and whether it was ``local``. In pycrdt it is a
  Transaction in which editing raises; here it is crdtcore's ``EventTransaction``, which
  has no editing methods at all (edits inside an observer open a new transaction, as in
  Yjs).
* ``TransactionEvent`` (``update``, ``before_state``, ``after_state``, ``delete_set``,
  ``transaction``) and ``Subscription`` (returned by ``doc.observe``).
"""

from __future__ import annotations

from crdtcore import EventTransaction as ReadTransaction
from crdtcore import NewTransaction as NewTransaction
from crdtcore import Subscription as Subscription
from crdtcore import Transaction as Transaction
from crdtcore import TransactionEvent as TransactionEvent

__all__ = ["NewTransaction", "ReadTransaction", "Subscription", "Transaction", "TransactionEvent"]
