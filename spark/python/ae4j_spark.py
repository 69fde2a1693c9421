"""PySpark wrapper of io.ae4j.spark.AutoEncoderMOJOModel (the jars ae4j-0.1.0.jar and
ae4j-spark-0.1.0.jar must be on the Spark class path, e.g. spark-submit --jars a.jar,b.jar).

    from ae4j_spark import AutoEncoderMOJOModel
    model = AutoEncoderMOJOModel.createFromMojo("model.zip").setWithMSECol(True)
    scored = model.transform(df)

Every Java setter and getter (setOutputCol, setWithMSECol, getMSECol, ...) is available under
its Java name; setters return the Python wrapper, so calls chain.
"""
from pyspark.ml.wrapper import JavaModel
from pyspark.sql import SparkSession


class AutoEncoderMOJOModel(JavaModel):
    """A Spark ML Model scoring an H2O autoencoder MOJO/POJO with ae4j (a drop-in for
    pysparkling's H2OAutoEncoderMOJOModel)."""

    _JAVA_CLASS = "io.ae4j.spark.AutoEncoderMOJOModel"

    @staticmethod
    def _jvm():
        return SparkSession.builder.getOrCreate().sparkContext._jvm

    @classmethod
    def createFromMojo(cls, path, uid=None):
        java_class = cls._jvm().io.ae4j.spark.AutoEncoderMOJOModel
        java_obj = java_class.createFromMojo(path) if uid is None else java_class.createFromMojo(path, uid)
        return cls(java_obj)

    @classmethod
    def load(cls, path):
        """A transformer saved by model.write().overwrite().save(path) (Spark ML persistence)."""
        return cls(cls._jvm().io.ae4j.spark.AutoEncoderMOJOModel.load(path))

    def write(self):
        """The Java MLWriter: model.write().overwrite().save(path)."""
        return self._java_obj.write()

    def save(self, path):
        self._java_obj.write().save(path)

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        method = getattr(self._java_obj, name)
        if name.startswith("set"):
            def setter(*args):
                method(*args)
                return self
            return setter
        if name.startswith("get"):
            def getter(*args):
                value = method(*args)
                if value is not None and type(value).__name__ == "JavaArray":
                    return list(value)
                return value
            return getter
        return method

    def __repr__(self):
        return self._java_obj.toString()
