"""Inbound Salesforce events: Flask blueprints that verify, validate, dedupe, enqueue, ack.

Owns: the signed-event and Outbound Message endpoints and their replay ledgers.
Never does: call Salesforce inside a request (workers do the work the events enqueue).
"""
