// Module Conversion.
