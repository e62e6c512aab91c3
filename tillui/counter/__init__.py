"""What comes in at the counter: identifiers typed or scanned, and the barcode scanner's bursts."""
