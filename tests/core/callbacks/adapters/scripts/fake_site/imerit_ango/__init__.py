# Stands for an installed imerit-ango package in the tests.
MARKER = "fake real package"
