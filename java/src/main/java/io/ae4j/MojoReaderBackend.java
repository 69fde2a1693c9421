package io.ae4j;

import java.io.BufferedReader;
import java.io.IOException;

/**
 * genmodel's {@code hex.genmodel.MojoReaderBackend}: the files of a MOJO, by name inside it.
 * {@link MojoReaderBackendFactory} makes one from a file, a URL or a stream, and
 * {@link MojoModel#load(MojoReaderBackend)} loads it. A program may also implement it (say, over
 * its own storage): ae4j reads {@code model.ini}, the domain files it names and, if present,
 * ae4j's calibration entry through it.
 */
public interface MojoReaderBackend {
  BufferedReader getTextFile(String filename) throws IOException;

  byte[] getBinaryFile(String filename) throws IOException;

  boolean exists(String filename);
}
