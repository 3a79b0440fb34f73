"""The trainer's and coordinator's tools around the course: check a case folder (`checkdata`),
write the data dictionary (`dictionary`), keep the curriculum table and index in step with the
notebooks (`curriculum`), and pack a participant's offline bundle (`bundle`)."""
