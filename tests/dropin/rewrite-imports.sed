# The import rewrite a port from h2o-genmodel to ae4j makes, and nothing else (java/README.md,
# "Porting from genmodel"). Only import lines change; hex.genmodel.GenModel stays.
/^import /{
s/^import (static )?hex\.genmodel\.easy\./import \1io.ae4j./
s/^import (static )?hex\.genmodel\.(MojoModel|MojoReaderBackend|CategoricalEncoding)/import \1io.ae4j.\2/
s/^import (static )?hex\.ModelCategory/import \1io.ae4j.ModelCategory/
}
