// Module Models.
