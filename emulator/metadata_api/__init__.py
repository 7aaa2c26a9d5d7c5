"""The Metadata API: deploy (SOAP and REST), checkDeployStatus, listMetadata, readMetadata,
describeMetadata. A deploy applies CustomObject/CustomField/PermissionSet to the live schema
and keeps every other component for list/read (see ``apply`` and ``jobs``)."""
