-- Not accepted by this EHR (issue 13): a record version the clinic's EHR does not take is not
-- sent, and its task ends in a status of its own, NOT_ACCEPTED (terminal like SENT; never a dead
-- letter, never replayed): its main resource is of a type the clinic's write plan says 'none'
-- for (configured in ehr.resources, or read from the EHR's CapabilityStatement), or it changes a
-- resource of a type the EHR only creates ('create-only').
--   not_accepted_type  the resource type the EHR does not take ("MedicationAdministration");
--   note               why it was not accepted, in words for clinic IT (no patient data); for a
--                      SENT task, what of the record was left out and why (a Provenance of a type
--                      the EHR does not take, a reference to an encounter it does not hold), else null.
-- The "body last sent" of ehr_resource (V14) is compared by create-only as by create-update.
alter table sync_task add column not_accepted_type varchar(64);
alter table sync_task add column note varchar(1000);
