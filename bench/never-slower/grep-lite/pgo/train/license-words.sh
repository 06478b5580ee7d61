# Training: plain English prose (the SPDX license texts A-F, JSON), searched for literal
# words and alternations of literals, as one greps a document: the literal prefilters
# (memchr, Teddy) and the lazy DFA on ASCII text do nearly all the work.
texts=("$PGO_INPUTS"/spdx/license-list-data/json/details/[A-F]*.json)
grep-lite -c warranty "${texts[@]}"
grep-lite -c 'WITHOUT WARRANTY|MERCHANTABILITY|FITNESS FOR A PARTICULAR PURPOSE' "${texts[@]}"
grep-lite -i -c 'copyright holders?' "${texts[@]}"
grep-lite 'Apache License|GNU General Public License|Mozilla Public License' "${texts[@]}" | wc -l
