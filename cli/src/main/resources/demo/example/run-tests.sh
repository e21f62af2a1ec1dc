#!/bin/sh
# Compiles the library and its tests, runs them, writes reports/TEST-CalcTests.xml.
set -e
rm -rf out
javac -d out src/*.java test/*.java
java -cp out CalcTests
