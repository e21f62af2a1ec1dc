# The scenario's mutations of commons-codec 1.17.1, sourced by run.sh and agent.sh.
# One line per root cause: cause|file|line|good text|bad text|test ids it breaks (space-separated).
# A mutation swaps "good text" for "bad text" on that line; fixing it swaps it back.
P=src/main/java/org/apache/commons/codec/language
T=org.apache.commons.codec.language
MUTATIONS="\
refined-z|$P/RefinedSoundex.java|49|020505\"|020506\"|$T.RefinedSoundexTest#testEncode() $T.RefinedSoundexTest#testInvalidSoundexCharacter()
nysiis-ph|$P/Nysiis.java|157|return CHARS_FF;|return CHARS_A;|$T.NysiisTest#testDropBy()
caverphone-mb|$P/Caverphone2.java|69|\"m2\"|\"mb\"|$T.Caverphone2Test#testEndMb()
metaphone-v|$P/Metaphone.java|349|append('F')|append('V')|$T.MetaphoneTest#testMetaphone()"

# In the shared variant, one root cause breaks 56 tests across three test classes: SoundexUtils.clean
# reads one character past the end of its input, so Soundex, RefinedSoundex and Nysiis throw a
# StringIndexOutOfBoundsException from it. Two independent causes of the list above join it.
SHARED_CAUSE="soundex-clean|$P/SoundexUtils.java|44|str.length();|str.length() + 1;|$T.NysiisTest#testBran() $T.NysiisTest#testCap() $T.NysiisTest#testDad() $T.NysiisTest#testDan() $T.NysiisTest#testDropBy() $T.NysiisTest#testEncodeEmpty() $T.NysiisTest#testFal() $T.NysiisTest#testLocaleIndependence() $T.NysiisTest#testOthers() $T.NysiisTest#testRule1() $T.NysiisTest#testRule2() $T.NysiisTest#testRule4Dot1() $T.NysiisTest#testRule4Dot2() $T.NysiisTest#testRule5() $T.NysiisTest#testRule6() $T.NysiisTest#testRule7() $T.NysiisTest#testSnad() $T.NysiisTest#testSnat() $T.NysiisTest#testSpecialBranches() $T.NysiisTest#testTranan() $T.NysiisTest#testTrueVariant() $T.RefinedSoundexTest#testDifference() $T.RefinedSoundexTest#testEncode() $T.RefinedSoundexTest#testEncodeEmpty() $T.RefinedSoundexTest#testInvalidSoundexCharacter() $T.RefinedSoundexTest#testLocaleIndependence() $T.RefinedSoundexTest#testNewInstance() $T.RefinedSoundexTest#testNewInstance2() $T.RefinedSoundexTest#testNewInstance3() $T.SoundexTest#testB650() $T.SoundexTest#testBadCharacters() $T.SoundexTest#testDifference() $T.SoundexTest#testEncodeBasic() $T.SoundexTest#testEncodeBatch2() $T.SoundexTest#testEncodeBatch3() $T.SoundexTest#testEncodeBatch4() $T.SoundexTest#testEncodeEmpty() $T.SoundexTest#testEncodeIgnoreApostrophes() $T.SoundexTest#testEncodeIgnoreHyphens() $T.SoundexTest#testEncodeIgnoreTrimmable() $T.SoundexTest#testGenealogy() $T.SoundexTest#testHWRuleEx1() $T.SoundexTest#testHWRuleEx2() $T.SoundexTest#testHWRuleEx3() $T.SoundexTest#testLocaleIndependence() $T.SoundexTest#testMsSqlServer1() $T.SoundexTest#testMsSqlServer2() $T.SoundexTest#testMsSqlServer3() $T.SoundexTest#testNewInstance() $T.SoundexTest#testNewInstance2() $T.SoundexTest#testNewInstance3() $T.SoundexTest#testSimplifiedSoundex() $T.SoundexTest#testUsEnglishStatic() $T.SoundexTest#testUsMappingEWithAcute() $T.SoundexTest#testUsMappingOWithDiaeresis() $T.SoundexTest#testWikipediaAmericanSoundex()"
if [ "${AGENT_MODE:-}" = shared ]; then
  MUTATIONS="$SHARED_CAUSE
$(grep -E '^(caverphone-mb|metaphone-v)[|]' <<< "$MUTATIONS")"
fi

# The saboteur: the unit of SABOTEUR_TEST, on its first attempt, also makes this change, which breaks
# only NysiisTest#testDropBy (the target of the nysiis-ph unit) 5 lines away from that unit's fix.
SABOTEUR_TEST="$T.Caverphone2Test#testEndMb()"
SABOTAGE="$P/Nysiis.java|152|return CHARS_SSS;|return CHARS_A;"

# In the weak variant, every unit's first attempt also makes this change, the same in each (so the
# candidates merge cleanly with each other): it breaks HexTest's lower-case tests, which pass on main.
WEAK="src/main/java/org/apache/commons/codec/binary/Hex.java|57|'e', 'f' }|'e', 'F' }"

# In the nonfix variant, the unit of NONFIX_TEST only edits a comment, on every attempt.
NONFIX_TEST="$T.MetaphoneTest#testMetaphone()"
NONFIX_FILE="$P/Metaphone.java"

# swap FILE LINE FROM TO: replaces FROM by TO on line LINE of FILE; fails if FROM is not there.
swap() {
  awk -v n="$2" -v from="$3" -v to="$4" '
    NR == n { i = index($0, from); if (i == 0) { bad = 1 } else { $0 = substr($0, 1, i - 1) to substr($0, i + length(from)) } }
    { print }
    END { exit bad }' "$1" > "$1.swap" && mv "$1.swap" "$1" || { rm -f "$1.swap"; return 1; }
}

# has FILE LINE TEXT: whether line LINE of FILE contains TEXT.
has() {
  awk -v n="$2" -v s="$3" 'NR == n { found = index($0, s) > 0 } END { exit !found }' "$1"
}
